package io.callrec.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callrec.media.relay.Side;
import java.util.Optional;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

class LegReplacementTest {
    private static Optional<Integer> status(Call.State state, Side side, boolean earlyOnly, boolean busy) {
        return LegReplacement.refusal(state, side, earlyOnly, busy).map(LegReplacement.Refusal::status);
    }

    @Test
    void aConfirmedDialogIsReplaced() {
        assertEquals(Optional.empty(), status(Call.State.CONFIRMED, Side.A, false, false));
        assertEquals(Optional.empty(), status(Call.State.CONFIRMED, Side.B, false, false));
    }

    @Test
    void earlyOnlyForAConfirmedDialogIsBusy() {
        assertEquals(Optional.of(Response.BUSY_HERE), status(Call.State.CONFIRMED, Side.B, true, false));
    }

    @Test
    void anEndedCallsDialogDoesNotExist() {
        assertEquals(Optional.of(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST),
                status(Call.State.ENDED, Side.B, false, false));
    }

    @Test
    void theCallersEarlyDialogWasNotInitiatedByCallrecSo481() {
        assertEquals(Optional.of(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST),
                status(Call.State.EARLY, Side.A, false, false));
        assertEquals(Optional.of(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST),
                status(Call.State.SETUP, Side.A, true, false));
    }

    @Test
    void aRingingCalleeIsNotPickedUp() {
        LegReplacement.Refusal r = LegReplacement.refusal(Call.State.EARLY, Side.B, false, false).orElseThrow();
        assertEquals(Response.TEMPORARILY_UNAVAILABLE, r.status());
        assertEquals("Call Pickup Not Supported", r.reason());
    }

    @Test
    void anInviteInProgressOrAMissingAckIsPending() {
        assertEquals(Optional.of(Response.REQUEST_PENDING), status(Call.State.CONFIRMED, Side.A, false, true));
        assertEquals(Optional.of(Response.REQUEST_PENDING), status(Call.State.ANSWERED, Side.B, false, false));
    }
}
