//! Keys and free balances. A coldkey holds TAO and owns hotkeys; a hotkey is what registers on
//! subnets and receives stake. Both are numbered in order of creation, so every map over them
//! iterates in a fixed order.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ColdkeyId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HotkeyId(pub u32);

/// Why a transfer out of a balance is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InsufficientBalance {
    pub balance_rao: u64,
    pub needed_rao: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Accounts {
    /// Free TAO per coldkey.
    balances: Vec<u64>,
    /// The coldkey owning each hotkey.
    hotkey_owner: Vec<ColdkeyId>,
}

impl Accounts {
    pub fn create_coldkey(&mut self, balance_rao: u64) -> ColdkeyId {
        self.balances.push(balance_rao);
        ColdkeyId(u32::try_from(self.balances.len() - 1).expect("coldkeys fit u32"))
    }

    pub fn create_hotkey(&mut self, owner: ColdkeyId) -> HotkeyId {
        assert!(self.exists(owner), "hotkey for an unknown coldkey {owner:?}");
        self.hotkey_owner.push(owner);
        HotkeyId(u32::try_from(self.hotkey_owner.len() - 1).expect("hotkeys fit u32"))
    }

    pub fn exists(&self, coldkey: ColdkeyId) -> bool {
        (coldkey.0 as usize) < self.balances.len()
    }

    pub fn hotkey_exists(&self, hotkey: HotkeyId) -> bool {
        (hotkey.0 as usize) < self.hotkey_owner.len()
    }

    pub fn owner_of(&self, hotkey: HotkeyId) -> ColdkeyId {
        self.hotkey_owner[hotkey.0 as usize]
    }

    pub fn balance(&self, coldkey: ColdkeyId) -> u64 {
        self.balances[coldkey.0 as usize]
    }

    pub fn credit(&mut self, coldkey: ColdkeyId, rao: u64) {
        let balance = &mut self.balances[coldkey.0 as usize];
        *balance = balance.checked_add(rao).expect("balances are bounded by the total supply");
    }

    pub fn debit(&mut self, coldkey: ColdkeyId, rao: u64) -> Result<(), InsufficientBalance> {
        let balance = &mut self.balances[coldkey.0 as usize];
        if *balance < rao {
            return Err(InsufficientBalance { balance_rao: *balance, needed_rao: rao });
        }
        *balance -= rao;
        Ok(())
    }

    /// Σ free balances, for the conservation check.
    pub fn total_balance_rao(&self) -> u128 {
        self.balances.iter().map(|&b| u128::from(b)).sum()
    }
}
