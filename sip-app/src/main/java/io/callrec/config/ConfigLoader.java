package io.callrec.config;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Builds the {@link ServerConfig} from the command line and an optional config file.
 *
 * <p>picocli parses the flags (and provides {@code --help}/{@code --version}); the config file
 * ({@code --config FILE}) uses the same names without dashes. Single-valued settings on the command
 * line replace the file's; repeatable ones ({@code route}, {@code user}) accumulate, file first.
 * Every value, wherever it came from, then goes through the same validation.
 *
 * <p>A server's {@code main} is one line:
 * <pre>{@code System.exit(ConfigLoader.run(args, config -> server.runUntilStopped(config)));}</pre>
 */
public final class ConfigLoader {

    /** Exit code for bad flags or config, as picocli and the spec (section 6) use. */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    private static final String CONFIG = "config";

    private ConfigLoader() {
    }

    /**
     * Parses and validates; for embedding and tests.
     *
     * @throws ConfigException one line naming the flag or file line at fault; also when the
     *         arguments ask for {@code --help} or {@code --version}, which only {@link #run} serves
     */
    public static ServerConfig load(String... args) throws ConfigException {
        CommandLine commandLine = newCommandLine();
        ParseResult parsed = parseArgs(commandLine, args);
        if (commandLine.isUsageHelpRequested() || commandLine.isVersionHelpRequested()) {
            throw new ConfigException("--help and --version are served by ConfigLoader.run, not load");
        }
        return resolve(commandLine, parsed);
    }

    /**
     * The whole start-up flow of the command: {@code --help} prints {@link #usage()} and returns 0,
     * {@code --version} prints the version and returns 0, bad input prints
     * {@code callrec: error: MESSAGE} to {@code err} and returns {@link #EXIT_USAGE} (2); otherwise
     * the result of {@code server} applied to the config.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Function<ServerConfig, Integer> server) {
        Objects.requireNonNull(server, "server");
        CommandLine commandLine = newCommandLine();
        ServerConfig config;
        try {
            ParseResult parsed = parseArgs(commandLine, args);
            if (commandLine.isUsageHelpRequested()) {
                out.print(commandLine.getUsageMessage());
                out.flush();
                return CommandLine.ExitCode.OK;
            }
            if (commandLine.isVersionHelpRequested()) {
                commandLine.printVersionHelp(out);
                out.flush();
                return CommandLine.ExitCode.OK;
            }
            config = resolve(commandLine, parsed);
        } catch (ConfigException e) {
            err.println("callrec: error: " + e.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        return server.apply(config);
    }

    /** {@link #run(String[], PrintWriter, PrintWriter, Function)} on standard output and error. */
    public static int run(String[] args, Function<ServerConfig, Integer> server) {
        Charset charset = Charset.defaultCharset();
        return run(args, new PrintWriter(new java.io.OutputStreamWriter(System.out, charset)),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, charset)), server);
    }

    /** The {@code --help} text. */
    public static String usage() {
        return newCommandLine().getUsageMessage();
    }

    private static CommandLine newCommandLine() {
        // @-files off: --config is the one way to read settings from a file.
        return new CommandLine(new CommandLineOptions()).setExpandAtFiles(false);
    }

    private static ParseResult parseArgs(CommandLine commandLine, String[] args) throws ConfigException {
        try {
            return commandLine.parseArgs(args);
        } catch (UnmatchedArgumentException e) {
            String hint = closestSuggestion(e).map(name -> " (did you mean " + name + "?)").orElse("");
            throw new ConfigException(firstLine(e.getMessage()) + hint);
        } catch (ParameterException e) {
            throw new ConfigException(firstLine(e.getMessage()));
        }
    }

    private static ServerConfig resolve(CommandLine commandLine, ParseResult parsed) throws ConfigException {
        Map<String, Boolean> fileKeys = fileKeys(commandLine);
        Map<String, List<Setting>> settings = new LinkedHashMap<>();
        OptionSpec configOption = parsed.matchedOption("--" + CONFIG);
        if (configOption != null) {
            for (Setting setting : ConfigFile.read(configOption.getValue(), fileKeys)) {
                settings.computeIfAbsent(setting.key(), k -> new ArrayList<>()).add(setting);
            }
        }
        // A repeated flag is listed once per occurrence; its value already holds all of them.
        for (OptionSpec option : new java.util.LinkedHashSet<>(parsed.matchedOptions())) {
            String key = option.longestName().substring(2);
            if (!fileKeys.containsKey(key)) {
                continue;
            }
            List<Setting> values = settings.computeIfAbsent(key, k -> new ArrayList<>());
            if (!option.isMultiValue()) {
                values.clear();
            }
            for (String text : flagValues(option)) {
                values.add(Setting.fromFlag(key, text));
            }
        }
        return new ConfigResolver(settings).resolve();
    }

    /** Every setting a config file may hold, mapped to whether it may be repeated. */
    private static Map<String, Boolean> fileKeys(CommandLine commandLine) {
        Map<String, Boolean> keys = new LinkedHashMap<>();
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String key = option.longestName().substring(2);
            if (!key.equals(CONFIG)) {
                keys.put(key, option.isMultiValue());
            }
        }
        return keys;
    }

    private static List<String> flagValues(OptionSpec option) {
        Object value = option.getValue();
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }

    /** picocli lists candidates in declaration order; the closest spelling is the useful one. */
    private static java.util.Optional<String> closestSuggestion(UnmatchedArgumentException e) {
        List<String> unmatched = e.getUnmatched();
        if (unmatched.isEmpty()) {
            return java.util.Optional.empty();
        }
        String typed = unmatched.get(0);
        int equals = typed.indexOf('=');
        String name = equals < 0 ? typed : typed.substring(0, equals);
        return e.getSuggestions().stream()
                .min(java.util.Comparator.comparingInt(candidate -> editDistance(name, candidate)));
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String firstLine(String message) {
        String text = message == null ? "invalid arguments" : message.strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
    }
}
