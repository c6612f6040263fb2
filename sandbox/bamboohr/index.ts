// Public surface of the BambooHR sandbox for in-process use (connector and end-to-end tests).
export { startBambooSandbox, type RunningSandbox } from './server.ts';
export { generateSandboxCertificate } from './certificate.ts';
export type { SandboxOptions, RuntimeSettings, ThrottleWindow } from './options.ts';
export { DEFAULT_SETTINGS } from './options.ts';
export type { SandboxAdmin, CompanyCredentials } from './admin.ts';
export type { RequestRecord } from './request-log.ts';
export type { DeliveryRecord } from './webhook-delivery.ts';
export type { CompanySpec } from './model.ts';
export { DEFAULT_COMPANY, DEFAULT_REDIRECT_URI } from './seed.ts';
export { signWebhook, WEBHOOK_USER_AGENT } from './webhook-payload.ts';
