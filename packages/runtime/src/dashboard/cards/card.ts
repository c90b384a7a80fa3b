import type { SafeHtml } from '../../html/template.ts';
import type { Query } from '../../model/query.ts';
import type { BreakdownRow, PropertyName } from '../../model/stats.ts';
import type { FunnelAnswer } from '../../stats/funnels.ts';
import type { GoalConversion } from '../../stats/goals.ts';
import type { StatsQuestions } from '../../store/types.ts';
import type { ViewState } from '../view-state.ts';

/** Rows per card: the long tail is one click away in the CSV export. */
export const CARD_ROWS = 10;

export interface CardTab {
  /** The URL's value for it (`?pages=exit_page`): a property, or a name the card knows. */
  readonly id: string;
  readonly label: string;
}

/** The view as one card sees it. */
export interface CardView {
  readonly state: ViewState;
  readonly query: Query;
  /** The selected tab's id; '' for a card without URL tabs. */
  readonly tab: string;
}

/** What a card's question returned. */
export interface CardData {
  readonly property: PropertyName;
  readonly rows: readonly BreakdownRow[];
  /** Events card with one event filtered: that event's prop keys (the tabs). */
  readonly propKeys?: readonly string[];
  /** Goals card: each goal's conversions, with conversion rate and revenue. */
  readonly goals?: readonly GoalConversion[];
  /** Funnels card: each funnel's steps. */
  readonly funnels?: readonly FunnelAnswer[];
}

/** The store questions a card may ask. */
export type CardStore = Pick<StatsQuestions, 'breakdown' | 'propKeys' | 'totals' | 'funnel'>;

/**
 * One box on the dashboard: what it asks the store for the current view, and how it shows the
 * answer. Every card is one file under cards/, listed once in cards/index.ts.
 */
export interface Card {
  /** The section's id (`card-<id>`) and the URL parameter that selects its tab. */
  readonly id: string;
  readonly title: string;
  /** Tabs the URL selects, the first by default; empty for a card that chooses its own. */
  readonly tabs: readonly CardTab[];
  load(view: CardView, store: CardStore): Promise<CardData>;
  render(view: CardView, data: CardData): SafeHtml;
}

export function cardView(card: Card, state: ViewState, query: Query): CardView {
  return { state, query, tab: state.tabs[card.id] ?? '' };
}
