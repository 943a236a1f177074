"""A message acknowledged after its broker connection was lost (a task that finished after a Redis restart)
does not crash the worker: the acknowledgement is dropped and the broker keeps the message for redelivery."""

from kombu import Connection, Queue

from config.broker import Transport
from tests.grading.test_grading_resilience import broker  # noqa: F401  (a private redis-server)

QUEUE = Queue("broker-test", routing_key="broker-test")


def held_message(connection):
    with connection.Producer() as producer:
        producer.publish({"task": "x"}, routing_key=QUEUE.routing_key, declare=[QUEUE])
    message = QUEUE(connection.default_channel).get(no_ack=False)
    assert message is not None
    return message


def lose(message):
    """The state a worker's channel is left in when Redis goes away under it (the traceback of the load
    test's redis-restart fault): its transport detached from the connection (kombu's
    Connection._do_close_transport) and its connection pool dropped (the channel's close)."""
    message.channel.connection.client = None
    message.channel._pool = None


def test_an_acknowledgement_after_the_connection_was_lost_is_dropped_not_raised(broker):  # noqa: F811
    connection = Connection(broker.url, transport=Transport)
    message = held_message(connection)
    lose(message)
    message.ack()  # kombu's own transport raises AttributeError here and the worker exits
    assert message.acknowledged


def test_the_broker_still_holds_the_dropped_message_for_redelivery(broker):  # noqa: F811
    connection = Connection(broker.url, transport=Transport)
    message = held_message(connection)
    lose(message)
    message.ack()
    # Redis delivers it again after the visibility timeout (or the sweep re-sends what a restart lost).
    assert broker.client().hlen("unacked") == 1


def test_a_live_connection_acknowledges_as_usual(broker):  # noqa: F811
    with Connection(broker.url, transport=Transport) as connection:
        held_message(connection).ack()
    client = broker.client()
    assert client.hlen("unacked") == 0 and client.llen(QUEUE.name) == 0
