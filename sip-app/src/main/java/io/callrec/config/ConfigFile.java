package io.callrec.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a config file: UTF-8, one {@code key = value} per line, keys are the flag names without
 * dashes, blank lines and lines starting with {@code #} are ignored. Only whole-line comments exist
 * because passwords and route patterns may themselves contain {@code #}.
 */
final class ConfigFile {

    private ConfigFile() {
    }

    /**
     * @param keys every key the file may hold, mapped to whether it may be repeated
     * @return the settings in file order
     */
    static List<Setting> read(String fileName, Map<String, Boolean> keys) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(fileName), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("--config: cannot read " + fileName + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException("--config: cannot read " + fileName + ": permission denied");
        } catch (MalformedInputException e) {
            throw new ConfigException("--config: cannot read " + fileName + ": not UTF-8 text");
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new ConfigException("--config: cannot read " + fileName + ": " + e.getMessage());
        }
        return parse(fileName, lines, keys);
    }

    static List<Setting> parse(String fileName, List<String> lines, Map<String, Boolean> keys) throws ConfigException {
        List<Setting> settings = new ArrayList<>();
        Map<String, Integer> firstLineOfKey = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = fileName + ":" + lineNumber + ": ";
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw new ConfigException(where + "expected 'key = value'");
            }
            String key = line.substring(0, equals).strip();
            String value = line.substring(equals + 1).strip();
            if (key.equals("config")) {
                throw new ConfigException(where + "config cannot be set inside a config file");
            }
            Boolean repeatable = keys.get(key);
            if (repeatable == null) {
                throw new ConfigException(where + "unknown key '" + key + "'");
            }
            Integer earlier = firstLineOfKey.putIfAbsent(key, lineNumber);
            if (earlier != null && !repeatable) {
                throw new ConfigException(where + key + " is already set on line " + earlier);
            }
            settings.add(Setting.fromFile(key, value, fileName, lineNumber));
        }
        return settings;
    }
}
