package dev.lumiaagent.sim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class SimLog {
    static final Logger LOG = LoggerFactory.getLogger("dev.lumiaagent.sim");

    private SimLog() {
    }
}
