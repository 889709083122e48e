package dev.lumiaagent.protocol.sahara;

/**
 * The phone said nothing where the Sahara protocol needs it to speak: no HELLO and no answer to an
 * unsolicited HELLO_RESP (edl-protocol.md §5 "HELLO already consumed" when recovery failed). The
 * loader is in its error state; only a power cycle brings back a fresh HELLO.
 *
 * <p>A phone that does not answer, as {@code TransferTimeout} is one: a flow names it PHONE_NOT_ANSWERING with
 * this next step. (It was a bare RuntimeException, which a flow could only call "failed unexpectedly" with an
 * INTERNAL_ERROR: the fault matrix found it after a cable pull in Firehose, where the idle programmer is silent.)
 */
public final class SaharaNotResponding extends dev.lumiaagent.transport.TransportException {
    public SaharaNotResponding(String message) {
        super(message);
    }

    @Override
    public String nextStep() {
        return "The phone's emergency loader is not answering. Hold Power about 10 s until it vibrates, "
                + "reconnect it in emergency mode (05C6:9008) and run the step again.";
    }
}
