import { DATASET_INFO, DATASETS, type ColumnDefinition, type DatasetName } from './open-data.columns.js';

/** A Frictionless Table Schema (v1), as https://specs.frictionlessdata.io/table-schema/ defines it. */
export interface TableSchema {
  fields: Array<{
    name: string;
    type: ColumnDefinition['type'];
    format: 'default';
    description: string;
    constraints?: ColumnDefinition['constraints'];
    trueValues?: string[];
    falseValues?: string[];
    decimalChar?: string;
  }>;
  missingValues: string[];
  primaryKey?: string[];
}

/**
 * The Table Schema of a CSV export, from the same column definitions as the CSV itself: the writer's
 * conventions (empty field for a missing value, `true`/`false`, the decimal point, ISO dates, which
 * Table Schema calls the `default` date format) stated for a machine.
 */
export function tableSchema(dataset: DatasetName): TableSchema {
  return {
    fields: DATASETS[dataset].map((c) => ({
      name: c.name, type: c.type, format: 'default', description: c.description,
      ...(c.constraints ? { constraints: c.constraints } : {}),
      ...(c.type === 'boolean' ? { trueValues: ['true'], falseValues: ['false'] } : {}),
      ...(c.type === 'number' ? { decimalChar: '.' } : {}),
    })),
    missingValues: [''],
    // A dataset whose rows have no key of their own (findings: one row per finding and figure, a figure may be absent) declares none.
    ...(DATASET_INFO[dataset].primaryKey.length ? { primaryKey: [...DATASET_INFO[dataset].primaryKey] } : {}),
  };
}
