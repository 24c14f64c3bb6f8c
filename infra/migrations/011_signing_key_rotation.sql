-- Signing keys rotate (src/commands/accounts/key-schedule.ts) and their private halves are kept
-- sealed under the master key (ROLLCALL_MASTER_KEY), which SQL does not have: rows written
-- before this keep their plaintext `private_jwk` until the first process to load the keys after
-- the upgrade seals it into `sealed_private_key` and sets `private_jwk` to NULL (every process
-- does so at start). The column stays, nullable, for that hand-over; a later migration can drop
-- it once every deployment has started on this version. A row never holds both.
ALTER TABLE rollcall.signing_keys
  ALTER COLUMN private_jwk DROP NOT NULL,
  ADD COLUMN sealed_private_key bytea,
  -- Published from created_at; signs from signs_from; stops signing at retired_at (its
  -- successor's signs_from), when its private half is destroyed; listed and verifying until
  -- verify_until, when the row is deleted.
  ADD COLUMN signs_from   timestamptz,
  ADD COLUMN retired_at   timestamptz,
  ADD COLUMN verify_until timestamptz,
  ADD CONSTRAINT signing_keys_private_once CHECK (private_jwk IS NULL OR sealed_private_key IS NULL);

UPDATE rollcall.signing_keys SET signs_from = created_at;

-- Before, the newest key of a purpose signed and the others only verified, for ever: they retire
-- now, verifying for as long as the default schedule keeps a retired key (an access token's 15
-- minutes plus margins; 365 days for tickets, which carry no expiry).
UPDATE rollcall.signing_keys k
   SET retired_at = now(),
       verify_until = now() + CASE k.purpose WHEN 'access' THEN interval '25 minutes' ELSE interval '365 days' END
 WHERE EXISTS (SELECT 1 FROM rollcall.signing_keys newer
                WHERE newer.purpose = k.purpose AND (newer.created_at, newer.kid) > (k.created_at, k.kid));

ALTER TABLE rollcall.signing_keys ALTER COLUMN signs_from SET NOT NULL;
