/**
 * Which charts a result holds, grouped into pages (tabs): the surface race, training, Hessian
 * and landscape. Each chart is a CardSpec built from the current state and theme.
 */
import { surfacePage } from './surface';
import { hessianPage, trainingPage } from './analysis';
import { landscapePage } from './landscape';
import type { Page, PageContext } from './common';

export type { Page, PageContext } from './common';

/** The pages the results hold, in tab order. */
export function pagesOf(context: PageContext): Page[] {
  const results = context.state.results;
  if (!results) return [];
  return [surfacePage(results, context), trainingPage(results, context), hessianPage(results, context), landscapePage(results, context)].filter((page): page is Page => page !== undefined);
}
