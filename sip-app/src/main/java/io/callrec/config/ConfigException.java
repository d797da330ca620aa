package io.callrec.config;

/**
 * A configuration problem, described in one line that names the flag or the file line at fault,
 * e.g. {@code --sip-port: 70000 is not a port number (1-65535)}. The message is meant to be shown
 * to the operator as is, after {@code callrec: error: }.
 */
public final class ConfigException extends Exception {

    public ConfigException(String message) {
        super(message);
    }
}
