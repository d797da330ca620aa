package io.callrec.config;

/**
 * One raw value of a flag or config key, with where it came from so that an error can point at it.
 *
 * @param key    the flag name without dashes, e.g. {@code sip-port}
 * @param text   the value as written
 * @param origin {@code --sip-port} for a flag, {@code FILE:LINE: sip-port} for a config file line
 */
record Setting(String key, String text, String origin) {

    static Setting fromFlag(String key, String text) {
        return new Setting(key, text, "--" + key);
    }

    static Setting fromFile(String key, String text, String file, int line) {
        return new Setting(key, text, file + ":" + line + ": " + key);
    }

    /** {@code detail} must not repeat secrets: it is shown to the operator and may be logged. */
    ConfigException problem(String detail) {
        return new ConfigException(origin + ": " + detail);
    }
}
