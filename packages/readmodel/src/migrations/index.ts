import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001-create-read-model";
import * as m0002 from "./0002-model-provenance";
import * as m0003 from "./0003-personal-data-and-retention";

/** Every migration in order, imported statically (no file-system scan: works under tsx and bundlers). */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      "0001-create-read-model": m0001,
      "0002-model-provenance": m0002,
      "0003-personal-data-and-retention": m0003,
    };
  },
};
