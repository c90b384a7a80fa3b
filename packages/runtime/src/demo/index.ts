/** `@footfall/runtime/demo`: realistic demo traffic, sent through a Footfall's own collector. */
export { demoClock, planTraffic, sendDemoTraffic, type DemoClock, type DemoTrafficOptions, type DemoTrafficResult } from './demo-traffic.ts';
export { planVisit, Random, type PlannedRequest, type PlannedVisit } from './demo-visit.ts';
export { DEMO_FUNNELS, DEMO_GOALS } from './demo-catalog.ts';
