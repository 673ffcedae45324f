/**
 * The links of a 1:1 message's two timeline entries in its row too (one migration). The writer
 * holds timeline entries in memory for about a second (entry-buffer.ts); after a crash it puts back
 * those the database is missing from the message rows, which carry each entry's position (`to_seq`,
 * `from_seq`) and now its link to the user's previous entry of the conversation (`to_prev`,
 * `from_prev`; see conversation-chain-schema.ts). NULL in rows stored before, whose entries were
 * written with them, and in group messages.
 */
export const ENTRY_LINKS = `
  ALTER TABLE messages ADD COLUMN to_prev INTEGER;
  ALTER TABLE messages ADD COLUMN from_prev INTEGER;
  `;
