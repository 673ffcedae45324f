import type { Driver, DriverName } from './driver.js';
import { parleyDriver } from './parley.js';
import { socketIoDriver } from './socketio.js';

export type { DriverName };

/** Drivers by name, so that a worker thread can be told which one to use. */
export const DRIVERS: Record<DriverName, Driver> = {
  'parley-ws': parleyDriver,
  'socket.io': socketIoDriver,
};
