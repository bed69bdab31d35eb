// What survey operations are given: the domain's context, and the public address the personal links
// point to.
import type { DomainContext } from '../context';

export interface SurveyContext extends DomainContext {
  /** PUBLIC_URL, or the bound address when it is not set: where `/s/{token}` is served. */
  publicUrl: string;
}
