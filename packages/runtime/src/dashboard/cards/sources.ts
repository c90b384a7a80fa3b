import { propertyCard } from './property-card.ts';

export const sources = propertyCard({
  id: 'sources',
  title: 'Sources',
  tabs: [
    { id: 'source', label: 'Sources' },
    { id: 'referrer', label: 'Referrers' },
    { id: 'utm_medium', label: 'Medium' },
    { id: 'utm_source', label: 'UTM source' },
    { id: 'utm_campaign', label: 'Campaign' },
  ],
});
