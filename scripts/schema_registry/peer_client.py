"""Drives the broker shim's Schema Registry with Confluent's own Python client (nobody here
wrote it): SchemaRegistryClient calls, then JSON and Avro serializer producers and
deserializer consumers through the shim's Kafka port. Usage: peer_client.py REGISTRY_URL BOOTSTRAP TOPIC.
Prints one JSON object (the observations) as its last line; the Deno integration test asserts
on it. Every wait is bounded."""
import json
import struct
import sys
import time

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from confluent_kafka.error import SerializationError

url, bootstrap, topic = sys.argv[1:4]
out = {}

V1 = json.dumps({
    "type": "object",
    "properties": {"id": {"type": "string"}, "n": {"type": "integer"}},
    "required": ["id", "n"],
    "additionalProperties": False,
})
V2 = json.dumps({  # an optional property added to a closed object: BACKWARD compatible
    "type": "object",
    "properties": {"id": {"type": "string"}, "n": {"type": "integer"}, "note": {"type": "string"}},
    "required": ["id", "n"],
    "additionalProperties": False,
})
BREAKING = json.dumps({  # n narrowed from integer to a string: incompatible
    "type": "object",
    "properties": {"id": {"type": "string"}, "n": {"type": "string"}},
    "required": ["id", "n"],
    "additionalProperties": False,
})

client = SchemaRegistryClient({"url": url})
subject = "peer-api-value"
out["types"] = client.get_schema_types()
out["id1"] = client.register_schema(subject, Schema(V1, "JSON"))
out["id1_again"] = SchemaRegistryClient({"url": url}).register_schema(subject, Schema(V1, "JSON"))
out["schema1_roundtrip"] = json.loads(client.get_schema(out["id1"]).schema_str) == json.loads(V1)
out["v2_compatible"] = client.test_compatibility(subject, Schema(V2, "JSON"))
out["breaking_compatible"] = client.test_compatibility(subject, Schema(BREAKING, "JSON"))
out["id2"] = client.register_schema(subject, Schema(V2, "JSON"))
latest = client.get_latest_version(subject)
out["latest"] = {"version": latest.version, "id": latest.schema_id, "type": latest.schema.schema_type}
found = client.lookup_schema(subject, Schema(V1, "JSON"))
out["lookup_v1"] = {"version": found.version, "id": found.schema_id}
out["versions"] = client.get_versions(subject)
try:
    client.register_schema(subject, Schema(BREAKING, "JSON"))
    out["breaking_register"] = "accepted"
except SchemaRegistryError as e:
    out["breaking_register"] = {"status": e.http_status_code, "error_code": e.error_code}
try:
    client.register_schema("peer-proto-value", Schema('syntax = "proto3";', "PROTOBUF"))
    out["protobuf_register"] = "accepted"
except SchemaRegistryError as e:
    out["protobuf_register"] = {"status": e.http_status_code, "error_code": e.error_code}
try:
    client.get_version("no-such-subject", 1)
except SchemaRegistryError as e:
    out["missing_subject"] = e.error_code
out["set_compat"] = client.set_compatibility(subject, "FULL")
out["get_compat"] = client.get_compatibility(subject)
out["deleted_version"] = client.delete_version(subject, 1)
out["versions_after_delete"] = client.get_versions(subject)



def roundtrip(topic, serialize, deserialize, records):
    """Produces `records` framed by `serialize`, consumes them back with `deserialize`."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    ctx = SerializationContext(topic, MessageField.VALUE)
    for r in records:
        producer.produce(topic, value=serialize(r, ctx))
    unflushed = producer.flush(20)
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"peer-{topic}",
        "auto.offset.reset": "earliest",
    })
    consumer.subscribe([topic])
    got, frames = [], set()
    deadline = time.monotonic() + 20
    while len(got) < len(records) and time.monotonic() < deadline:
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        raw = msg.value()
        frames.add(struct.unpack(">bI", raw[:5]))
        got.append(deserialize(raw, ctx))
    consumer.close()
    return {"unflushed": unflushed, "consumed": len(got), "equal": got == records,
            "frames": sorted(list(f) for f in frames)}


# A JSONSerializer producer (auto-registers under <topic>-value) and a JSONDeserializer consumer.
serializer = JSONSerializer(V2, client)
records = [{"id": f"r{i}", "n": i, **({"note": "odd"} if i % 2 else {})} for i in range(20)]
out["json_roundtrip"] = roundtrip(topic, serializer, JSONDeserializer(None, schema_registry_client=client), records)
try:
    serializer({"id": "bad", "n": "not a number"}, SerializationContext(topic, MessageField.VALUE))
    out["invalid_record"] = "serialized"
except SerializationError:
    out["invalid_record"] = "refused"

# Avro: the default schema type, checked by schema resolution; an AvroSerializer round trip.
AVRO1 = json.dumps({"type": "record", "name": "Reading", "namespace": "iot", "fields": [
    {"name": "deviceId", "type": "string"}, {"name": "n", "type": "long"}]})
AVRO2 = json.dumps({"type": "record", "name": "Reading", "namespace": "iot", "fields": [
    {"name": "deviceId", "type": "string"}, {"name": "n", "type": "long"},
    {"name": "note", "type": ["null", "string"], "default": None}]})
AVRO_BAD = json.dumps({"type": "record", "name": "Reading", "namespace": "iot", "fields": [
    {"name": "deviceId", "type": "string"}, {"name": "n", "type": "int"}]})
avro_topic = f"{topic}-avro"
out["avro_id1"] = client.register_schema(f"{avro_topic}-value", Schema(AVRO1, "AVRO"))
out["avro_v2_compatible"] = client.test_compatibility(f"{avro_topic}-value", Schema(AVRO2, "AVRO"))
out["avro_bad_compatible"] = client.test_compatibility(f"{avro_topic}-value", Schema(AVRO_BAD, "AVRO"))
avro_records = [{"deviceId": f"d{i}", "n": i * 1000, "note": None if i % 2 else "even"} for i in range(10)]
out["avro_roundtrip"] = roundtrip(avro_topic, AvroSerializer(client, AVRO2), AvroDeserializer(client), avro_records)
out["avro_latest"] = client.get_latest_version(f"{avro_topic}-value").version
out["topic_subject_id"] = client.get_latest_version(f"{topic}-value").schema_id

# The platform's own event schema (registered by schemas:register) used as a producer would:
# the latest version, no auto-registration; the client validates each record against it.
latest = client.get_latest_version("sensor-readings-value")
events = JSONSerializer(latest.schema.schema_str, client,
                        conf={"auto.register.schemas": False, "use.latest.version": True})
ectx = SerializationContext("sensor-readings", MessageField.VALUE)
reading = {"deviceId": "d1", "ts": "2025-07-22T22:30:45.123Z", "temperature": 21.5, "humidity": 40}
framed = events(reading, ectx)
out["event_frame"] = list(struct.unpack(">bI", framed[:5]))
out["event_payload"] = json.loads(framed[5:])
try:
    events({**reading, "humidity": 150}, ectx)
    out["event_invalid"] = "serialized"
except SerializationError:
    out["event_invalid"] = "refused"
print(json.dumps(out))
