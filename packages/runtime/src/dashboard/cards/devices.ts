import { propertyCard } from './property-card.ts';

export const devices = propertyCard({
  id: 'devices',
  title: 'Devices',
  tabs: [
    { id: 'browser', label: 'Browsers' },
    { id: 'os', label: 'Systems' },
    { id: 'device', label: 'Devices' },
  ],
});
