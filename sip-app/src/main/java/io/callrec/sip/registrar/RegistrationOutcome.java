package io.callrec.sip.registrar;

import java.util.List;

/** What the registrar made of a REGISTER; {@link RegisterHandler} turns it into the SIP response. */
public sealed interface RegistrationOutcome {

    /** 200 OK: the AOR's bindings after the update, each to be listed with its remaining time. */
    record Accepted(List<Binding> bindings) implements RegistrationOutcome {
        public Accepted {
            bindings = List.copyOf(bindings);
        }
    }

    /** Nothing was changed. {@code 423} means the interval was below {@link Registrar#minExpires()}. */
    record Rejected(int statusCode, String reason) implements RegistrationOutcome {
    }
}
