-- Signing keys for JWTs (user access tokens, QR tickets), shared by every process.
-- The newest key of a purpose signs; every key stays listed for verification (JWKS).
CREATE TABLE rollcall.signing_keys (
  kid         text PRIMARY KEY,
  purpose     text NOT NULL CHECK (purpose IN ('access', 'ticket')),
  private_jwk jsonb NOT NULL,
  public_jwk  jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX signing_keys_purpose_created ON rollcall.signing_keys (purpose, created_at DESC);
