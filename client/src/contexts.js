// The app-wide values, each provided once by App and read with a hook.
import { createContext, useContext } from 'react';

export const ApiContext = createContext(null);
export const SessionContext = createContext(null);
export const OnlineUsersContext = createContext({ users: [], connected: false });
export const MqttContext = createContext({ client: null, connected: false, serviceStatus: null });

/** The REST client of api.js. */
export const useApi = () => useContext(ApiContext);
/** { user, notice, logIn, logOut }: user is null when logged out. */
export const useSession = () => useContext(SessionContext);
/** { users, connected }: the logged-in users from the WebSocket. */
export const useOnlineUsers = () => useContext(OnlineUsersContext);
/** { client, connected, serviceStatus }: the shared MQTT connection. */
export const useMqtt = () => useContext(MqttContext);
