import path from 'node:path';
import { ConfigError } from '../config-error.js';
import { MasterKey } from './master-key.js';
import { readOrCreateSecretFile } from './secret-file.js';

/** Where the embedded default keeps its master key, beside its database. */
export const masterKeyFile = (dataDir: string): string => path.resolve(dataDir, 'master.key');

/**
 * The master key a process runs with: ROLLCALL_MASTER_KEY when set. Without it, the embedded
 * default (no DATABASE_URL) keeps one in `$DATA_DIR/master.key`, made on first start, as its
 * database is in `$DATA_DIR` too. With an external database it refuses: every process sharing
 * that database must seal and open with one key, and a key made up per process would leave
 * each unable to read what the others wrote.
 */
export const loadMasterKey = async (config: { masterKey: MasterKey | undefined; databaseUrl: string | undefined; dataDir: string }): Promise<MasterKey> => {
  if (config.masterKey) return config.masterKey;
  if (config.databaseUrl)
    throw new ConfigError(
      `ROLLCALL_MASTER_KEY is required with DATABASE_URL: every process on the database must share one key (make one with: openssl rand -base64 ${MasterKey.BYTES})`,
    );
  const file = masterKeyFile(config.dataDir);
  const text = await readOrCreateSecretFile(file, () => MasterKey.generate().toText());
  try {
    return MasterKey.fromText(text);
  } catch {
    throw new ConfigError(`${file} does not hold a master key (${MasterKey.BYTES} bytes in base64)`);
  }
};
