package io.callrec.sip.registrar;

import java.util.List;

/**
 * Told when a REGISTER added or refreshed a binding, so that something waiting for the user
 * (a pending recording link) can be sent now. Called after the registrar's lock is released, on
 * the thread that handled the REGISTER: keep it short or hand the work to an executor.
 */
@FunctionalInterface
public interface RegistrationListener {

    /** @param bindings all current bindings of {@code aor}, best first */
    void onRegistered(AddressOfRecord aor, List<Binding> bindings);
}
