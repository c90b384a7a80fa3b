import { propertyCard } from './property-card.ts';

export const locations = propertyCard({
  id: 'locations',
  title: 'Locations',
  tabs: [
    { id: 'country', label: 'Countries' },
    { id: 'region', label: 'Regions' },
    { id: 'city', label: 'Cities' },
  ],
});
