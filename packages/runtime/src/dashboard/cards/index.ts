// The dashboard's cards, in page order. Adding a card: one file here (its id, tabs, store
// question and rendering; see card.ts) and one line in this list.
import type { Card } from './card.ts';
import { devices } from './devices.ts';
import { events } from './events.ts';
import { funnels } from './funnels.ts';
import { goals } from './goals.ts';
import { links } from './links.ts';
import { locations } from './locations.ts';
import { pages } from './pages.ts';
import { sources } from './sources.ts';

export const CARDS: readonly Card[] = [sources, pages, locations, devices, events, links, goals, funnels];
