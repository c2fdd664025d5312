import { ConfigError, loadConfig } from './config.js';
import { createApp, StartupError } from './create-app.js';
import { createLogger } from './logger.js';
import { restrictFileModes } from '../database/private-data-dir.js';

/** `npm start`: configuration from the environment, then serve until SIGINT/SIGTERM. */
export async function serve(): Promise<void> {
  // Before anything touches the disk: files this process creates are private to its user (see createApp).
  restrictFileModes();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL, undefined, undefined, config.LOG_FORMAT);
  try {
    const app = await createApp(config, logger);
    logger.info(`segmentql is ready: GraphQL and GraphiQL at http://localhost:${app.port}/graphql`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  } catch (error) {
    if (error instanceof StartupError) {
      logger.fatal(error.message);
      process.stderr.write(`\n${error.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}

