//! What the gateway handler and the outbox lane share: the Kv, the bot's own id, the
//! guilds the bot is in with their roles (to find the guild of a salon's role), and the
//! DM channel of each user.

use serenity::all::{Guild, GuildId, RoleId, UserId};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use yunqi_bot::ports::Kv;

pub struct DiscordState {
    pub kv: Arc<dyn Kv>,
    guild: Option<u64>,
    me: RwLock<Option<UserId>>,
    roles: RwLock<HashMap<u64, u64>>,
    guilds: RwLock<BTreeSet<u64>>,
    dms: Mutex<HashMap<u64, u64>>,
}

fn read<T: Clone>(l: &RwLock<T>) -> T {
    l.read().unwrap_or_else(|e| e.into_inner()).clone()
}

impl DiscordState {
    pub fn new(kv: Arc<dyn Kv>, guild: Option<u64>) -> Arc<DiscordState> {
        Arc::new(DiscordState {
            kv,
            guild,
            me: RwLock::new(None),
            roles: RwLock::new(HashMap::new()),
            guilds: RwLock::new(BTreeSet::new()),
            dms: Mutex::new(HashMap::new()),
        })
    }

    pub fn me(&self) -> Option<UserId> {
        read(&self.me)
    }

    pub fn set_me(&self, id: UserId) {
        *self.me.write().unwrap_or_else(|e| e.into_inner()) = Some(id);
    }

    /// The configured guild, for command registration.
    pub fn guild(&self) -> Option<u64> {
        self.guild
    }

    pub fn learn_guild_id(&self, id: GuildId) {
        self.guilds
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.get());
    }

    /// GUILD_CREATE: the guild and its roles.
    pub fn learn_guild(&self, g: &Guild) {
        self.learn_guild_id(g.id);
        let mut roles = self.roles.write().unwrap_or_else(|e| e.into_inner());
        for r in g.roles.keys() {
            roles.insert(r.get(), g.id.get());
        }
    }

    /// A salon's `discord_role_id`: `<guild id>:<role id>`, or a bare role id whose guild
    /// is the one that has the role, else `[discord] guild_id`, else the only guild.
    pub fn role(&self, group: &str) -> Option<(GuildId, RoleId)> {
        let group = group.trim();
        let parse = |s: &str| s.trim().parse::<u64>().ok().filter(|n| *n != 0);
        if let Some((g, r)) = group.split_once([':', '/']) {
            return Some((GuildId::new(parse(g)?), RoleId::new(parse(r)?)));
        }
        let role = parse(group)?;
        let guild = read(&self.roles)
            .get(&role)
            .copied()
            .or(self.guild)
            .or_else(|| {
                let guilds = read(&self.guilds);
                (guilds.len() == 1)
                    .then(|| guilds.iter().next().copied())
                    .flatten()
            })?;
        Some((GuildId::new(guild), RoleId::new(role)))
    }

    pub fn dm_channel(&self, user: u64) -> Option<u64> {
        self.dms
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&user)
            .copied()
    }

    pub fn set_dm_channel(&self, user: u64, channel: u64) {
        let mut dms = self.dms.lock().unwrap_or_else(|e| e.into_inner());
        if dms.len() > 100_000 {
            dms.clear();
        }
        dms.insert(user, channel);
    }
}
