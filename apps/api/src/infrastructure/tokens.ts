/** Injection tokens of the tracker's infrastructure. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const READ_DB = Symbol('READ_DB');
export { EVENT_STORE } from '#event-store';
