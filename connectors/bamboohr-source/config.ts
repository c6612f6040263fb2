// The config schema is connectors/bamboohr-source/config.schema.json; its type is generated from it.
import { readSchemaFile } from '../../runtime/index.ts';
export type { BambooHrSourceConfig } from './config.generated.ts';

export const bambooHrSourceConfigSchema = readSchemaFile(new URL('./config.schema.json', import.meta.url));

export const DEFAULT_FIELDS = [
  'firstName',
  'lastName',
  'employeeNumber',
  'status',
  'employmentHistoryStatus',
  'department',
  'division',
  'location',
  'jobTitle',
  'supervisorEId',
  'hireDate',
  'terminationDate',
  'lastChanged',
];
