package dev.skyledger.processors.core;

import dev.skyledger.events.Topic;
import dev.skyledger.events.core.Envelope;
import java.util.function.Predicate;

/**
 * The input topic of a processor that acts on some of a decider's outcomes and should not wait for a
 * copy of them: the decider writes each event or reply that {@code wants} accepts there too, as
 * is, in the same exactly-once transaction as the original (so the copy exists exactly when the
 * original does). The boot saga's {@code compute.saga} is one.
 */
public record Inbox(Topic<String, Envelope> topic, Predicate<Envelope> wants) {}
