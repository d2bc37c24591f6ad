package io.turnkit.conformance.support;

/** Stops what a test class started, every one of them even when one fails to stop. */
public final class Cleanup {
    private Cleanup() {
    }

    /** Closes each non-null resource in order; the first failure is thrown after all were tried. */
    public static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("cannot stop everything a test started", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
