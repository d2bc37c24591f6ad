package io.turnkit.cli;

import picocli.CommandLine.IVersionProvider;

/** The version comes from the jar manifest, so it is the version Maven built. */
final class ManifestVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Turnkit.class.getPackage().getImplementationVersion();
        return new String[] {"turnkit " + (version == null ? "development build" : version)};
    }
}
