package io.turnkit.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code turnkit completion}: prints the shell completion script of the whole command tree, made by picocli from
 * the same model that parses the command line, so it cannot fall behind. The script also serves zsh, after
 * {@code autoload -U +X bashcompinit && bashcompinit}.
 */
@Command(name = "completion",
        mixinStandardHelpOptions = true,
        versionProvider = ManifestVersion.class,
        description = "Print the completion script for the shell: source <(turnkit completion bash).")
public final class CompletionCommand implements Callable<Integer> {
    /** The shells a script can be printed for. */
    enum Shell {
        BASH;

        /** bash. */
        static final class Names extends LowerCaseNames<Shell> {
            Names() {
                super(Shell.class);
            }
        }
    }

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SHELL", defaultValue = "bash", converter = Shell.Names.class,
            completionCandidates = Shell.Names.class, description = "${COMPLETION-CANDIDATES}. Default: bash.")
    Shell shell;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        out.flush();
        return 0;
    }
}
