namespace PolisClustering.Engine.Loading;

/// <summary>Which number a source uses for "agree".</summary>
public enum VoteSign
{
    /// <summary>Detect from the comments' agree/disagree counts; agree = +1 when there are none.</summary>
    Auto,

    /// <summary>Agree = +1, disagree = -1: Polis exports and the API fixtures.</summary>
    AgreePositive,

    /// <summary>Agree = -1, disagree = +1: the raw Polis API/database convention. Votes are negated on load.</summary>
    AgreeNegative,
}
