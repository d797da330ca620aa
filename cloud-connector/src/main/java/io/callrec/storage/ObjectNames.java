package io.callrec.storage;

import java.util.regex.Pattern;

/**
 * The names that may reach a storage key or a file path. Checked at every backend entry point, so that no id or
 * object name can climb out of its recording's space ({@code ..}, {@code /}, {@code %2F} never pass).
 */
public final class ObjectNames {
    /** Spec: ids are {@code [A-Za-z0-9._-]{1,64}}. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /**
     * Object names are flat ({@code peer.mkv}, {@code manifest.json}) and never start with a dot: dot-names are
     * kept for a backend's own temporary files, and {@code .}/{@code ..} are excluded with them.
     */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    public static final String MANIFEST = "manifest.json";

    private ObjectNames() {
    }

    public static boolean isValidId(String recordingId) {
        return recordingId != null && ID.matcher(recordingId).matches()
                && !recordingId.equals(".") && !recordingId.equals("..");
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** @throws IllegalArgumentException naming the bad part */
    public static void check(String recordingId, String name) {
        checkId(recordingId);
        if (!isValidName(name)) {
            throw new IllegalArgumentException("not an object name: '" + printable(name) + "'");
        }
    }

    /** @throws IllegalArgumentException when the id is not {@code [A-Za-z0-9._-]{1,64}} */
    public static void checkId(String recordingId) {
        if (!isValidId(recordingId)) {
            throw new IllegalArgumentException("not a recording id: '" + printable(recordingId) + "'");
        }
    }

    /** The object's key relative to the storage root: {@code recordings/{id}/{name}}. */
    public static String key(String recordingId, String name) {
        check(recordingId, name);
        return "recordings/" + recordingId + "/" + name;
    }

    // Ids and names come from the network; a log line must not carry their control characters or their bulk.
    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
