package dev.lumiaagent.job;

import dev.lumiaagent.job.PhoneLease;
import dev.lumiaagent.record.PhoneLeases;
import dev.lumiaagent.record.RecordStore;
import java.time.Instant;
import java.util.Optional;

/** The record store's lease rows as the {@link PhoneLease.Shared} table of the job layer (which does not know the store). */
public final class StoreLeases implements PhoneLease.Shared {
    private final PhoneLeases leases;

    private StoreLeases(PhoneLeases leases) {
        this.leases = leases;
    }

    public static StoreLeases of(RecordStore store) {
        return new StoreLeases(store.leases());
    }

    @Override
    public Claim claim(String key, String port, String identity, PhoneLease.Holder me, Instant expires) {
        PhoneLeases.Claim c = leases.claim(new PhoneLeases.Lease(key, port, identity, me.jobId(), me.station(), me.pid(), me.host(),
                me.since(), expires));
        return new Claim(c.acquired(), c.other().map(StoreLeases::holder));
    }

    @Override
    public boolean renew(String key, String jobId, Instant expires) {
        return leases.renew(key, jobId, expires);
    }

    @Override
    public void release(String key, String jobId) {
        leases.release(key, jobId);
    }

    private static PhoneLease.Holder holder(PhoneLeases.Lease l) {
        return new PhoneLease.Holder(l.jobId(), null, l.pid(), l.station(), l.host(), l.acquiredAt());
    }

}
