package io.callrec.storage;

/** The recording's space has no object of that name (a download asks for something that is not stored). */
public final class ObjectNotFoundException extends StorageException {
    public ObjectNotFoundException(String recordingId, String name) {
        super("no object " + name + " in recording " + recordingId, false);
    }
}
