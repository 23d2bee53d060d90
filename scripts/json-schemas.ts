import { join } from 'node:path';
import { writeFileAtomic } from '../src/core/atomic-write.js';
import { jsonDocumentSchemas, jsonSchemaOf, type JsonCommand } from '../src/cli/json-documents.js';

/** Writes docs/json-schema/COMMAND.schema.json for every command with --json (`npm run json-schemas`). */
const dir = join(import.meta.dirname, '..', 'docs', 'json-schema');
for (const command of Object.keys(jsonDocumentSchemas) as JsonCommand[])
  writeFileAtomic(join(dir, `${command}.schema.json`), `${JSON.stringify(jsonSchemaOf(command), null, 2)}\n`);
