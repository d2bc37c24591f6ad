package io.turnkit.cli;

import picocli.CommandLine.IVersionProvider;

/** The version comes from the jar manifest, so it is the version Maven built. */
final class ManifestVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"turnkit " + version()};
    }

    /** The jar's version, or "development build" when run from classes. */
    static String version() {
        String version = Turnkit.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }
}
