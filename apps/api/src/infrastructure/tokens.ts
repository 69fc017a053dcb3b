/** Injection tokens of the tracker's infrastructure. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export { EVENT_STORE } from '#event-store';
