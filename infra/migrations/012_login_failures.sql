-- Brute-force protection of logIn (src/commands/accounts/login-guard.ts owns both tables).
-- Addresses appear only as their keyed hash (HMAC-SHA-256 under ROLLCALL_MASTER_KEY, purpose
-- `login-guard`), the same for an address with an account and one without: a lockout is kept
-- for whatever address is tried, so it tells nobody which addresses have accounts.

-- Keycloak's per-user failure count: failures since the last success or the last quiet
-- 12 hours, and until when log-ins with the address are refused without a password check.
CREATE TABLE rollcall.login_failure_counts (
  address_key     text PRIMARY KEY,
  failures        integer NOT NULL,
  last_failure_at timestamptz NOT NULL,
  not_before      timestamptz
);
CREATE INDEX login_failure_counts_by_age ON rollcall.login_failure_counts (last_failure_at);

-- Every failed or refused log-in, for admins, kept 30 days; never the password tried.
-- `network` is what the per-network cap counts: an IPv4 address, or an IPv6 /64.
CREATE TABLE rollcall.failed_logins (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL,
  account_id  text,
  address_key text NOT NULL,
  ip          text NOT NULL,
  network     text NOT NULL,
  reason      text NOT NULL CHECK (reason IN ('wrong_password', 'unknown_account', 'locked', 'ip_limited'))
);
-- Only guesses count against a network: refusals checked no password.
CREATE INDEX failed_logins_guesses_by_network ON rollcall.failed_logins (network, at) WHERE reason IN ('wrong_password', 'unknown_account');
CREATE INDEX failed_logins_by_account ON rollcall.failed_logins (account_id, id) WHERE account_id IS NOT NULL;
CREATE INDEX failed_logins_by_age ON rollcall.failed_logins (at);
