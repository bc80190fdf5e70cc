namespace LearningMechanics.Theory;

/// <summary>How a number is supported (THEORY.md §0.1). <see cref="Unverified"/> numbers are never test oracles.</summary>
public enum Evidence
{
    /// <summary>[V] verified in a source.</summary>
    Verified,

    /// <summary>[C] computed independently with numerical code.</summary>
    Computed,

    /// <summary>[D] derived by short algebra from verified formulas.</summary>
    Derived,

    /// <summary>[U] recalled, not checked: a hypothesis.</summary>
    Unverified,
}
