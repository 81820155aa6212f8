-- Tickets are found by their code, indexed as is (issue 15). The plain code was always
-- stored beside its SHA-256, so the hash hid nothing; and a hash scatters a write group's
-- new tickets over the whole index, one page each, where codes that begin with their
-- registration's block (`bot/src/ticket.rs`) land side by side. Old codes keep working.
ALTER TABLE tickets DROP COLUMN code_hash;
ALTER TABLE tickets ADD CONSTRAINT tickets_code_key UNIQUE (code);
