package dev.lumiaagent.sim;

/** How a simulated phone's channel reaches the host. */
public enum LinkKind {
    /** Like libusb: one read returns one device transfer. */
    PACKET,
    /** Like a tty / COM port: boundaries are lost, reads return arbitrary slices. */
    STREAM
}
