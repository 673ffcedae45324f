/**
 * Retention finds old messages by id instead of by an index of their times (one migration):
 * `messages_by_time` cost every stored message an index entry, and at moderate rates a page
 * written per commit (about a sixth of the WAL's pages at 2,500 msg/s). Ids are handed out in
 * increasing order and a message is stored after its id was reserved, so a message stored before a
 * moment has an id below the counter's value at that moment: `id_clock` keeps such pairs (a row:
 * every message whose time is below `time_ms` has an id below `next_id`; id-clock.ts), and the
 * retention sweep reads messages by id up to that bound.
 *
 * The rows for the messages already stored are computed from them, one per minute that has
 * messages: one pass over `messages`.
 */
export const ID_CLOCK = `
  CREATE TABLE id_clock (time_ms INTEGER PRIMARY KEY, next_id INTEGER NOT NULL);
  INSERT INTO id_clock (time_ms, next_id)
    SELECT t, MAX(m) OVER (ORDER BY t) + 1
      FROM (SELECT (time_ms / 60000 + 1) * 60000 AS t, MAX(msg_id) AS m FROM messages GROUP BY time_ms / 60000);
  DROP INDEX messages_by_time;
  `;
