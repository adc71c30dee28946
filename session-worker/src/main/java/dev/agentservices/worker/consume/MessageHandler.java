package dev.agentservices.worker.consume;

import io.nats.client.Message;

/**
 * Applies one message from a stream. Returning normally means the resulting state is stored and the
 * message may be acknowledged; throwing means it is redelivered later, and dead-lettered after the last
 * attempt. Handlers must be idempotent: a message can arrive again after a crash before its ack.
 */
@FunctionalInterface
public interface MessageHandler {

    void handle(Message message) throws Exception;
}
