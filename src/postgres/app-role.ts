import type pg from 'pg';

/** The role the embedded default's processes, and the test suites, work as. */
export const APP_ROLE = 'rollcall_app';

/**
 * Creates `role` as a plain LOGIN role with `password`, or sets the password of the one there
 * is; run as a superuser (or a role with CREATEROLE).
 */
export const ensureLoginRole = async (client: pg.ClientBase, role: string, password: string): Promise<void> => {
  // Role statements take no parameters; both go in quoted.
  const name = client.escapeIdentifier(role);
  const secret = client.escapeLiteral(password);
  const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  await client.query(rowCount ? `ALTER ROLE ${name} WITH LOGIN PASSWORD ${secret}` : `CREATE ROLE ${name} WITH LOGIN PASSWORD ${secret}`);
};

/**
 * What the app role may do, granted by the owner after each migration run (so tables a later
 * migration adds are covered without each remembering to): read and write every table of the
 * `rollcall` schema, but only read and append to `rollcall.events`; draw from its sequences
 * without setting them; create schemas, for the read models (`rm_*`, their rebuild and
 * verification shadows) and pg-boss's `pgboss`, which it creates, fills and replaces at run
 * time and so owns. Schemas of those kinds that the owner made before roles were split (an
 * upgraded embedded default, say) are handed to the app role, with everything in them.
 *
 * A role sees other roles' transactions in pg_stat_activity only with pg_read_all_stats, which
 * the app role is not given: readers of the PostgreSQL event store look there for appends in
 * flight (src/eventstore/postgres/safe-prefix.ts), so events must be appended as the app role,
 * as everything in Rollcall does.
 *
 * Run in a transaction; `appRole` must not be the role running it (that role owns everything).
 */
export const grantAppRole = async (client: pg.ClientBase, appRole: string): Promise<void> => {
  await client.query(`SELECT set_config('rollcall.app_role', $1, true)`, [appRole]);
  await client.query(`DO $$
DECLARE
  app text := current_setting('rollcall.app_role');
  app_oid oid := (SELECT oid FROM pg_roles WHERE rolname = current_setting('rollcall.app_role'));
  schema_row record;
  object_row record;
BEGIN
  EXECUTE format('GRANT CONNECT, CREATE, TEMPORARY ON DATABASE %I TO %I', current_database(), app);
  EXECUTE format('GRANT USAGE ON SCHEMA rollcall TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA rollcall TO %I', app);
  EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON rollcall.events FROM %I', app);
  EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA rollcall TO %I', app);
  EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA rollcall TO %I', app);
  -- So that a process started without the owner's URL can tell that no migration is pending.
  EXECUTE format('GRANT SELECT ON public.rollcall_migrations TO %I', app);

  FOR schema_row IN
    SELECT n.oid, n.nspname, n.nspowner FROM pg_namespace n WHERE n.nspname = 'pgboss' OR n.nspname LIKE 'rm\\_%'
  LOOP
    IF schema_row.nspowner <> app_oid THEN
      EXECUTE format('ALTER SCHEMA %I OWNER TO %I', schema_row.nspname, app);
    END IF;
    -- Indexes, and sequences that belong to a column, go with their table.
    FOR object_row IN
      SELECT c.relname, c.relkind FROM pg_class c
       WHERE c.relnamespace = schema_row.oid AND c.relowner <> app_oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
         AND NOT EXISTS (SELECT 1 FROM pg_depend d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
    LOOP
      EXECUTE format('ALTER %s %I.%I OWNER TO %I',
        CASE object_row.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
        schema_row.nspname, object_row.relname, app);
    END LOOP;
    FOR object_row IN SELECT p.oid::regprocedure AS routine FROM pg_proc p WHERE p.pronamespace = schema_row.oid AND p.proowner <> app_oid
    LOOP
      EXECUTE format('ALTER ROUTINE %s OWNER TO %I', object_row.routine, app);
    END LOOP;
    -- Enums, domains and ranges; a table's row type and an array type go with what they belong to.
    FOR object_row IN SELECT t.oid::regtype AS type FROM pg_type t
                       WHERE t.typnamespace = schema_row.oid AND t.typowner <> app_oid AND t.typtype IN ('e', 'd', 'r')
    LOOP
      EXECUTE format('ALTER TYPE %s OWNER TO %I', object_row.type, app);
    END LOOP;
  END LOOP;
END $$`);
};
