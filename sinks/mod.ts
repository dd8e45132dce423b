/**
 * `@iot/sinks`: writers from the platform's topics to MongoDB, Cassandra and an embedded SQLite
 * file, behind one {@linkcode SinkWriter} interface.
 *
 * @module
 */
