import { QueryText, TimeTravelQuery } from '../http/query.dto.js';

/** A roadmap's roll-up, of a version, in time. */
export class RollupQuery extends TimeTravelQuery {
  @QueryText() version?: string;
}
