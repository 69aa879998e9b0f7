/** Impact assessments, the FRIA export, the whole inventory and the compliance dashboard. */
export * from './questions';
export * from './assess';
export * from './due';
export * from './fria';
export * from './inventory-filter';
export * from './inventory';
export * from './dashboard';
export * from './dashboard-view';
