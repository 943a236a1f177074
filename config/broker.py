"""The Redis transport of kombu, with acknowledgements that outlive the connection their message came on.

A worker that loses Redis reconnects (config.celery.BrokerRestartSafeConsumer), but a task that was running
when the connection went finishes afterwards and acknowledges its message on the old, detached channel;
kombu 5 then fails inside the acknowledgement ("'NoneType' object has no attribute 'hostname'"), which
nothing catches: the worker exits. Measured with `make loadtest FAULT=redis-restart` (a task in flight during
the restart, 200 learners). Here such an acknowledgement only forgets the message locally: Redis still holds
it in its unacked set and delivers it again after the visibility timeout if it kept its data, and every task
that can be in flight is idempotent (grading, webhook deliveries, score posts).
"""

import logging

from kombu.transport import redis

logger = logging.getLogger(__name__)


def _detached(channel) -> bool:
    transport = getattr(channel, "connection", None)
    return transport is None or getattr(transport, "client", None) is None


class QoS(redis.QoS):
    def ack(self, delivery_tag):
        if _detached(self.channel):
            logger.warning(
                "Message %s finished after its broker connection was lost; not acknowledged.", delivery_tag
            )
            super(redis.QoS, self).ack(delivery_tag)  # forget it here; the broker redelivers it
            return
        super().ack(delivery_tag)

    def reject(self, delivery_tag, requeue=False):
        if _detached(self.channel):
            logger.warning(
                "Message %s rejected after its broker connection was lost; left to the broker.", delivery_tag
            )
            super(redis.QoS, self).ack(delivery_tag)
            return
        super().reject(delivery_tag, requeue=requeue)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
