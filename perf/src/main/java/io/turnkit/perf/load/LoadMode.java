package io.turnkit.perf.load;

import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every mode does around its own run: check the options, start the rig, print and write the summary. */
abstract class LoadMode implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        target.validate(spec);
        validate();
        ProgressBar progress = ProgressBar.onTerminal();
        try (LoadRig rig = LoadRig.start(target.serverAddress(), target.threads, progress)) {
            Summary summary = run(rig, progress);
            summary.print(System.out);
            if (target.report != null) {
                summary.write(target.report);
            }
            return 0;
        }
    }

    /** Checks the mode's own options (with {@link TargetOptions#check}). */
    abstract void validate();

    abstract Summary run(LoadRig rig, ProgressBar progress) throws Exception;

    /** Adds how many sockets failed their setup, and why the first did. */
    static Summary addFailures(Summary summary, String key, String label, int failed, String firstFailure) {
        summary.add(key, label, failed, "", 0);
        return firstFailure == null ? summary : summary.note(key + "_first", "first failure", firstFailure);
    }

    /** Fails the run when no socket could set up: there is nothing to measure. */
    static LoadRig.Outcome requireAny(LoadRig.Outcome setup, String what) {
        if (setup.succeeded().isEmpty()) {
            throw new IllegalStateException("no " + what + " could be made: " + setup.firstFailure());
        }
        return setup;
    }
}
